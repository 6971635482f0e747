export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: '2rem' }}>
      <h1>Experiment Workbench</h1>
      <p>
        The desktop UI is on its way. Meanwhile every capability is available from the <code>workbench</code>{' '}
        command line: <code>npx workbench --help</code>.
      </p>
    </main>
  );
}
