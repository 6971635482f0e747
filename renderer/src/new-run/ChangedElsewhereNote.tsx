/**
 * Under a JSON box whose text does not parse yet while the form changed the same value: the text is kept,
 * and the user chooses. Finishing the JSON makes it the value (the form's changes since give way to it).
 */
export function ChangedElsewhereNote({
  what,
  where,
  onTake,
  testId,
}: {
  /** "config", "grid spec", "override". */
  what: string;
  /** "form": where the change came from. */
  where: string;
  onTake: () => void;
  testId: string;
}) {
  return (
    <p className="hint-box" data-testid={testId}>
      The {where} changed the {what} while this JSON was unfinished. Your text is kept: once it is valid JSON
      it replaces those changes.{' '}
      <button type="button" className="link-button" onClick={onTake} data-testid={`${testId}-take`}>
        Discard this text and show the {where}’s {what}
      </button>
    </p>
  );
}
