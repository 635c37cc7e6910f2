// Opens a store, writes nothing (unless asked to create it) and prints the outcome as JSON: lets
// the file-mode tests act as a non-root user when run as root. `--as UID` drops to that uid (and
// gid) after the modules are loaded, so the child runs as root only while it reads the checkout:
// a checkout in a 0700 directory (mktemp -d, /root) is not traversable by that uid.
const args = process.argv.slice(2);
const as = args.indexOf('--as');
let uid;
if (as !== -1) {
  uid = Number(args[as + 1]);
  args.splice(as, 2);
}
const [file, mode] = args;
const { AlertStore } = await import('../../../dist/storage/alert-store.js');
// better-sqlite3 loads its native binding (through `bindings`) only when the first database
// opens: open one in memory while still root, so nothing is read from the checkout afterwards.
const { default: Database } = await import('better-sqlite3');
new Database(':memory:').close();
if (uid !== undefined) {
  process.chdir('/');
  process.setgroups([]);
  process.setgid(uid);
  process.setuid(uid);
}
try {
  const store = AlertStore.open(file, mode === '--read' ? { readonly: true } : {});
  const count = store.count();
  store.close();
  process.stdout.write(JSON.stringify({ ok: true, count }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, code: error.code, message: error.message }));
}
