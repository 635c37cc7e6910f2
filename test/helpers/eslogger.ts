// The eslogger line builders live in the product (the demo writes its trace with them).
export * from '../../src/events/eslogger/eslogger-lines.js';
