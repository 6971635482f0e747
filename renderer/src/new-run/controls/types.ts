import type { SelectOption } from '../form-spec';

/** What every form control gets: the draft's value at its path and the resolved default beside it. */
export interface ControlProps {
  id: string;
  label: string;
  value: unknown;
  /** The value config.check resolved (defaults filled in): shown where the draft leaves a field out. */
  resolved: unknown;
  onChange: (value: unknown) => void;
  invalid: boolean;
  describedBy?: string;
  options?: readonly SelectOption[];
}

export function inputAria(props: Pick<ControlProps, 'invalid' | 'describedBy'>) {
  return { 'aria-invalid': props.invalid || undefined, 'aria-describedby': props.describedBy };
}
