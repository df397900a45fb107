interface ProgressBarProps {
  id: string;
  label: string;
  value: number;
}

/** A labelled <progress>: screen readers get its name and value, everyone gets the number. */
export function ProgressBar({ id, label, value }: ProgressBarProps) {
  const rounded = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div class="progress">
      <label for={id}>{label}</label>
      <progress id={id} max={100} value={rounded}>
        {rounded}%
      </progress>
      <span aria-hidden="true">{rounded}%</span>
    </div>
  );
}
