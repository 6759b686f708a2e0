/** C4(a)'s empty workflow (benchmarks.md): bundled on its own for the S5 baseline. */
export async function emptyWorkflow(): Promise<void> {
  // Intentionally empty: the cost measured is Temporal's start + one workflow task + completion.
}
