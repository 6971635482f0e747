/** The browser opened without the per-launch token: nothing can be loaded, so say how to get in. */
export function NoTokenScreen() {
  return (
    <main className="no-token" data-testid="no-token">
      <h1>Experiment Workbench</h1>
      <p>This page needs the address that the workbench server printed when it started.</p>
      <p>
        Run <code>npx workbench serve</code> and open the URL it prints, the one that ends in{' '}
        <code>#token=…</code>. The token changes at every start of the server.
      </p>
    </main>
  );
}
