// The panel canvas's layers, top first: the one being worked on takes the pointer and shows its tools;
// each can be shown or hidden.
import { Eye, EyeOff, Image as ImageIcon, MessageSquare, Paintbrush, Scan } from "lucide-react";

export type LayerId = "lettering" | "outpaint" | "mask" | "picture";

export const LAYERS: { id: LayerId; label: string; icon: typeof Eye }[] = [
  { id: "lettering", label: "Lettering", icon: MessageSquare },
  { id: "outpaint", label: "Extend frame", icon: Scan },
  { id: "mask", label: "Repaint mask", icon: Paintbrush },
  { id: "picture", label: "Picture", icon: ImageIcon },
];

export function LayerPanel({
  active,
  visible,
  onActivate,
  onToggle,
}: {
  active: LayerId;
  visible: Record<LayerId, boolean>;
  onActivate: (id: LayerId) => void;
  onToggle: (id: LayerId) => void;
}) {
  return (
    <section className="layer-panel card" aria-label="Layers">
      <h3>Layers</h3>
      <ul>
        {LAYERS.map(({ id, label, icon: Icon }) => (
          <li key={id} className={id === active ? "active" : ""}>
            <button type="button" className="layer-name" aria-pressed={id === active} onClick={() => onActivate(id)} data-testid={`layer-${id}`}>
              <Icon size={16} aria-hidden /> {label}
            </button>
            <button
              type="button"
              className="icon"
              aria-label={`${visible[id] ? "Hide" : "Show"} ${label.toLowerCase()}`}
              aria-pressed={!visible[id]}
              onClick={() => onToggle(id)}
              data-testid={`layer-${id}-visible`}
            >
              {visible[id] ? <Eye size={16} aria-hidden /> : <EyeOff size={16} aria-hidden />}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
