// Opens the store at DB_PATH through the real (bundled) RunStore and closes it: many of these released at
// the same moment on a fresh file are what two `workbench run`s on a new store do. It prints "ready" once
// the module is loaded and opens the file when "go" arrives on stdin.
//
//   node store-opener.mjs STORE_MODULE_URL DB_PATH
const [storeModuleUrl, dbPath] = process.argv.slice(2);
const { RunStore } = await import(storeModuleUrl);
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
RunStore.open(dbPath).close();
process.stdout.write('opened\n');
