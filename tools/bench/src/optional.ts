/**
 * Imports a package that may not be built (or installed) yet; the benchmark then skips
 * the variants that need it and says why, instead of failing as a whole. The specifier
 * goes through a variable so that the bench compiles while upstream packages are absent.
 */
export async function importOptional<T>(specifier: string): Promise<T> {
  const name: string = specifier;
  try {
    return (await import(name)) as T;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new Error(`${specifier} could not be loaded (${message}); build it with npx tsc -p <its folder>/tsconfig.build.json`);
  }
}
