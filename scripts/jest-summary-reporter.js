/**
 * Ends every jest run with one plain line that CI logs and humans can both read at a glance:
 * "Summary: N passed, N failed, N skipped", plus the test files that failed outside any test (a
 * file that did not load, a failing beforeAll/afterAll), so it never reads "0 failed" when jest
 * exits non-zero.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A file whose tests all passed (or never ran) yet failed: its load or a hook broke.
    const brokenFiles = results.testResults.filter(
      (file) => file.testExecError || (file.numFailingTests === 0 && file.failureMessage),
    );
    const failed = results.numFailedTests + brokenFiles.length;
    let line = `Summary: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
    if (brokenFiles.length > 0) {
      const names = brokenFiles.map((file) => file.testFilePath.replace(`${process.cwd()}/`, ""));
      line += ` (${brokenFiles.length} of the failures: test files that failed outside their tests: ${names.join(", ")})`;
    }
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
