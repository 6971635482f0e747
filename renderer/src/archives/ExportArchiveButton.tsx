import { useRef, useState } from 'react';
import { ExportArchivePanel, type ExportArchivePanelProps } from './ExportArchivePanel';

type ExportArchiveButtonProps = Omit<ExportArchivePanelProps, 'onClose'> & {
  label?: string;
  disabled?: boolean;
  testId?: string;
};

/** "Export archive": opens the export dialog for one selection in place; focus returns here on close. */
export function ExportArchiveButton({
  label = 'Export archive',
  disabled = false,
  testId = 'export-archive',
  ...panel
}: ExportArchiveButtonProps) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <span className="archive-export-anchor">
      <button
        ref={button}
        type="button"
        disabled={disabled}
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        data-testid={testId}
      >
        {label}
      </button>
      {open && !disabled && <ExportArchivePanel {...panel} onClose={close} />}
    </span>
  );
}
