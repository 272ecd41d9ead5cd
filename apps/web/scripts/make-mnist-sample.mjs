// Extracts the first 1,000 MNIST test images and labels from ../shared/data/mnist into
// public/ as small gzipped IDX files, so the app ships a sample without the full set.
/* global URL, console */
// Run by hand from apps/web: `npm run mnist-sample`. The outputs are committed.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { readIdx } from '@elbo/data-io';

const COUNT = 1000;
const source = fileURLToPath(new URL('../../../../shared/data/mnist/', import.meta.url));
const target = fileURLToPath(new URL('../public/', import.meta.url));

/** IDX bytes: magic (0, 0, 0x08 = unsigned byte, rank), big-endian sizes, then the data. */
function encodeIdx(data, shape) {
  const header = new DataView(new ArrayBuffer(4 + 4 * shape.length));
  header.setUint8(2, 0x08);
  header.setUint8(3, shape.length);
  shape.forEach((size, i) => header.setUint32(4 + 4 * i, size));
  const bytes = new Uint8Array(header.byteLength + data.length);
  bytes.set(new Uint8Array(header.buffer), 0);
  bytes.set(data, header.byteLength);
  return bytes;
}

const images = await readIdx(`${source}t10k-images-idx3-ubyte.gz`);
const labels = await readIdx(`${source}t10k-labels-idx1-ubyte.gz`);
const pixels = images.shape[1] * images.shape[2];
const files = {
  'mnist-1000-images-idx3-ubyte.gz': encodeIdx(images.data.subarray(0, COUNT * pixels), [COUNT, images.shape[1], images.shape[2]]),
  'mnist-1000-labels-idx1-ubyte.gz': encodeIdx(labels.data.subarray(0, COUNT), [COUNT]),
};
for (const [name, bytes] of Object.entries(files)) {
  const zipped = gzipSync(bytes, { level: 9 });
  writeFileSync(`${target}${name}`, zipped);
  console.log(`${name}: ${zipped.length} bytes`);
}
