// Baseline (a) of the scan benchmark: the least a Node program must do to look at every line of
// a trace — read it in 1 MiB chunks (as scan does), split lines, JSON.parse each. No mapping, no
// process tree, no rules. Prints the line count.
//
//   node scripts/bench/bare-parse-loop.mjs FILE
import { createReadStream } from 'node:fs';

let lines = 0;
let pending = [];
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1 << 20 })) {
  let start = 0;
  for (;;) {
    const newline = chunk.indexOf(10, start);
    if (newline === -1) {
      if (start < chunk.length) pending.push(chunk.subarray(start));
      break;
    }
    let text;
    if (pending.length > 0) {
      pending.push(chunk.subarray(start, newline));
      text = Buffer.concat(pending).toString('utf8');
      pending = [];
    } else {
      text = chunk.toString('utf8', start, newline);
    }
    JSON.parse(text);
    lines++;
    start = newline + 1;
  }
}
if (pending.length > 0) {
  JSON.parse(Buffer.concat(pending).toString('utf8'));
  lines++;
}
console.log(lines);
