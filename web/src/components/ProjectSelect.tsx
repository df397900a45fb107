import type { Project } from '../api/types.js';

interface ProjectSelectProps {
  id: string;
  label: string;
  /** Undefined while the list is loading. */
  projects: readonly Project[] | undefined;
  value: string;
  disabled?: boolean;
  onChange: (projectId: string) => void;
  class?: string;
}

/** A labelled choice of project, saying so while the projects load. */
export function ProjectSelect({ id, label, projects, value, disabled, onChange, class: className }: ProjectSelectProps) {
  return (
    <div class={className ? `field ${className}` : 'field'}>
      <label for={id}>{label}</label>
      <select id={id} value={value} disabled={!projects || disabled} onChange={(e) => onChange(e.currentTarget.value)}>
        {projects ? null : <option value="">Loading projects…</option>}
        {projects?.map((p) => (
          <option value={p.id}>{p.name}</option>
        ))}
      </select>
    </div>
  );
}
