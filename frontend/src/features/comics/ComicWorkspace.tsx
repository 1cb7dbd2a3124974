import { useEffect, useState } from "react";
import { useComic } from "../../api/queries";
import { ErrorMessage, Field, Link, SaveIndicator } from "../../components/ui";
import { errorAbout } from "../../lib/errors";
import { useAutosave } from "../../lib/useAutosave";
import { useComicPatch } from "./useComicPatch";
import { StyleEditor } from "../styles/StyleEditor";
import { CharactersView } from "../characters/CharactersView";
import { PanelsView } from "../panels/PanelsView";
import { StripView } from "../export/StripView";
import { ArrowLeft, BookOpenText, Info, Palette, SquareStack, Users } from "lucide-react";
import { ComicDetails } from "../details/ComicDetails";
import { comicPath } from "../../lib/router";

const SECTIONS = [
  { id: "panels", label: "Panels", Icon: SquareStack },
  { id: "characters", label: "Characters", Icon: Users },
  { id: "style", label: "Style", Icon: Palette },
  { id: "details", label: "Details", Icon: Info },
  { id: "strip", label: "Strip & export", Icon: BookOpenText },
];

/** One comic: its title and sections; ``item`` is the panel or character the URL names, ``tab`` the panel's step. */
export function ComicWorkspace({ comicId, section = "panels", item, tab }: { comicId: number; section?: string; item?: string; tab?: string }) {
  const comic = useComic(comicId);
  if (comic.isPending) return <p className="loading">Loading…</p>;
  if (comic.isError) return <ErrorMessage error={comic.error} />;
  return (
    <div className="workspace">
      <div className="workspace-head">
        <Link to="/" className="icon-button" aria-label="All comics">
          <ArrowLeft size={18} aria-hidden />
        </Link>
        <TitleField comicId={comicId} title={comic.data.title} />
        <nav aria-label="Comic sections" className="sections">
          {SECTIONS.map((s) => (
            <Link
              key={s.id}
              to={comicPath(comicId, s.id)}
              className={section === s.id ? "active" : ""}
              aria-current={section === s.id ? "page" : undefined}
              data-testid={`section-${s.id}`}
            >
              <s.Icon size={16} aria-hidden />
              {s.label}
            </Link>
          ))}
        </nav>
      </div>
      {section === "panels" && <PanelsView comicId={comicId} panelId={item ? Number(item) : undefined} tab={tab} />}
      {section === "characters" && <CharactersView comicId={comicId} characterId={item ? Number(item) : undefined} />}
      {section === "style" && <StyleEditor comic={comic.data} />}
      {section === "details" && <ComicDetails comic={comic.data} />}
      {section === "strip" && <StripView comic={comic.data} />}
    </div>
  );
}

function TitleField({ comicId, title }: { comicId: number; title: string }) {
  const patch = useComicPatch(comicId);
  const save = useAutosave((p: { title: string }) => patch.mutateAsync(p));
  const [value, setValue] = useState(title);
  useEffect(() => setValue(title), [title]);
  return (
    <div className="title-field">
      <Field label="Comic title" error={errorAbout(save.error, "title")}>
        {(p) => (
          <input
            {...p}
            className="title-input"
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              save.queue({ title: e.target.value });
            }}
          />
        )}
      </Field>
      <SaveIndicator status={save.status} testId="title-save-status" />
    </div>
  );
}
