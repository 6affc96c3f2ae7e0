export default async function globalTeardown(): Promise<void> {
  await globalThis.__TEST_COUCH__?.stop();
  globalThis.__TEST_COUCH__ = undefined;
}
