// Loaded before every test file: IS_TEST makes the tfjs engine throw when a kernel
// leaks backend memory (and silences its Node.js banner).
import * as tf from '@tensorflow/tfjs';

tf.env().set('IS_TEST', true);
