/** The problems with one field, under it (give it the id the field's aria-describedby names). */
import { Icon } from './Icon.js';

export function FieldErrors({ errors, id }: { errors: string[]; id?: string }) {
  return (
    <div id={id} className="field-error">
      {errors.map((e, j) => (
        <div key={j}>
          <Icon name="alert" size={12} /> {e}
        </div>
      ))}
    </div>
  );
}
