import { Select as RadixSelect } from "radix-ui";
import { Check, ChevronDown } from "lucide-react";
import { styleNonce } from "../lib/nonce";

/** A styled single choice (a listbox; arrow keys and typeahead work) for short fixed lists. */
export function Select<T extends string>({
  label,
  value,
  onChange,
  options,
  testId,
}: {
  label: string;
  value: T;
  onChange: (value: T) => void;
  options: { value: T; label: string }[];
  testId?: string;
}) {
  return (
    <RadixSelect.Root value={value} onValueChange={(v) => onChange(v as T)}>
      <RadixSelect.Trigger className="select-trigger" aria-label={label} data-testid={testId}>
        <RadixSelect.Value />
        <RadixSelect.Icon>
          <ChevronDown size={14} aria-hidden />
        </RadixSelect.Icon>
      </RadixSelect.Trigger>
      <RadixSelect.Portal>
        <RadixSelect.Content className="menu" position="popper" sideOffset={4}>
          <RadixSelect.Viewport nonce={styleNonce()}>
            {options.map((o) => (
              <RadixSelect.Item key={o.value} value={o.value} className="menu-item">
                <span className="menu-check">
                  <RadixSelect.ItemIndicator>
                    <Check size={14} aria-hidden />
                  </RadixSelect.ItemIndicator>
                </span>
                <RadixSelect.ItemText>{o.label}</RadixSelect.ItemText>
              </RadixSelect.Item>
            ))}
          </RadixSelect.Viewport>
        </RadixSelect.Content>
      </RadixSelect.Portal>
    </RadixSelect.Root>
  );
}
