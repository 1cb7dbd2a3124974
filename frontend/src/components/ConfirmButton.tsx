import { useState, type ReactNode } from "react";
import { Dialog } from "./Dialog";

/** A button that asks first, in a dialog: ``question`` as its title, ``onConfirm`` on "``confirm``". */
export function ConfirmButton({
  children,
  question,
  detail,
  confirm,
  onConfirm,
  className,
}: {
  children: ReactNode;
  question: string;
  detail?: ReactNode;
  confirm: string;
  onConfirm: () => void;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={className} onClick={() => setOpen(true)}>
        {children}
      </button>
      <Dialog open={open} onOpenChange={setOpen} title={question} description={detail}>
        <div className="row dialog-actions">
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              setOpen(false);
              onConfirm();
            }}
          >
            {confirm}
          </button>
        </div>
      </Dialog>
    </>
  );
}
