import type { ConfigIssue } from '../../../common/api/contract';

/** One element per issue path (several messages for one path are joined), so each path is one selector. */
export function groupByPath(issues: readonly ConfigIssue[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const issue of issues) groups.set(issue.path, [...(groups.get(issue.path) ?? []), issue.message]);
  return [...groups];
}

export function FieldIssues({ issues, id }: { issues: readonly ConfigIssue[]; id?: string }) {
  if (issues.length === 0) return null;
  return (
    <div id={id} className="field-issues">
      {groupByPath(issues).map(([path, messages]) => (
        <p key={path} className="field-error" data-testid="field-error" data-path={path}>
          {messages.join('; ')}
        </p>
      ))}
    </div>
  );
}
