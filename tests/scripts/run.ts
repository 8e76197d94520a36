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
 * clean environment that holds only `env` (plus NO_COLOR), from the root. A
 * script from a URL gets a Deno cache of its own, so every module comes over
 * HTTP: a shared cache can hold a copy from an earlier server that had the
 * same port (seen in CI, where `--reload` alone did not prevent it).
 */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<RunResult> {
  const remote = /^https?:/.test(script);
  const denoDir = remote ? await Deno.makeTempDir({ prefix: "nn_deno_dir_" }) : null;
  try {
    const command = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", "--reload=http://127.0.0.1", script, ...args],
      env: { NO_COLOR: "1", ...(denoDir === null ? {} : { DENO_DIR: denoDir }), ...env },
      clearEnv: true,
      cwd: root.pathname,
      stdout: "piped",
      stderr: "piped",
    });
    const { code, stdout, stderr } = await command.output();
    const text = new TextDecoder();
    return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
  } finally {
    if (denoDir !== null) await Deno.remove(denoDir, { recursive: true });
  }
}
