import { forwardRef, type ComponentPropsWithoutRef, type ReactNode } from "react";
import { Tooltip as RadixTooltip } from "radix-ui";

/** A tooltip on hover and keyboard focus (the app wraps everything in one Tooltip.Provider). */
export function Tooltip({ content, children }: { content: ReactNode; children: ReactNode }) {
  return (
    <RadixTooltip.Root>
      <RadixTooltip.Trigger asChild>{children}</RadixTooltip.Trigger>
      <RadixTooltip.Portal>
        <RadixTooltip.Content className="tooltip" sideOffset={6}>
          {content}
        </RadixTooltip.Content>
      </RadixTooltip.Portal>
    </RadixTooltip.Root>
  );
}

export const TooltipProvider = RadixTooltip.Provider;

type IconButtonProps = { label: string; icon: ReactNode; tooltip?: ReactNode } & Omit<ComponentPropsWithoutRef<"button">, "children">;

/** A square button showing only an icon: ``label`` is its accessible name and its tooltip. */
export const IconButton = forwardRef<HTMLButtonElement, IconButtonProps>(function IconButton(
  { label, icon, tooltip, className, ...rest },
  ref,
) {
  return (
    <Tooltip content={tooltip ?? label}>
      <button ref={ref} type="button" aria-label={label} className={`icon-button ${className ?? ""}`} {...rest}>
        {icon}
      </button>
    </Tooltip>
  );
});
