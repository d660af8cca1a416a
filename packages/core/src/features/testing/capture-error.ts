/** The error `run` throws; fails the test if it returns instead. */
export function captureError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw, got a return");
}
