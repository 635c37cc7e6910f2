// Opens a store as whatever user this process runs as, writes one alert (unless --read), and
// prints the outcome as JSON: lets the file-mode tests act as a non-root user when run as root.
import { AlertStore } from '../../../dist/storage/alert-store.js';

const [file, mode] = process.argv.slice(2);
try {
  const store = AlertStore.open(file, mode === '--read' ? { readonly: true } : {});
  const count = store.count();
  store.close();
  process.stdout.write(JSON.stringify({ ok: true, count }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, code: error.code, message: error.message }));
}
