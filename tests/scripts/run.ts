/** Runs an exercise script as a reader would: a separate `deno run -A` process. */

const root = new URL("../../", import.meta.url);

/** What a script run printed and how it exited. */
export interface RunResult {
  /** The exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/**
 * Runs `script` (a path from the repository root, or a URL) with `args`, in a
 * clean environment that holds only `env` (plus NO_COLOR), from the root.
 */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<RunResult> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--reload=http://127.0.0.1", script, ...args],
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}
