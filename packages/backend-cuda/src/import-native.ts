/**
 * The only line that loads TensorFlow's native packages. The specifier is a variable
 * on purpose: bundlers leave it alone (these packages run in Node only), and tests
 * replace this function to simulate absent, present and failing modules.
 */
export const importNative = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);
