// A Mingchu server of the spec's own, on a temporary data folder, with real RTSP cameras
// (GStreamer, scripts/rtsp-camera.py): for specs and soak runs that stop and restart them.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A TCP port nothing listens on now. */
export const freePort = () => new Promise((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

export class Stack {
  /** `bin`: the mingchu binary; `site`: the built site (pkg/ with the WebAssembly). */
  constructor(bin, site) {
    this.bin = bin;
    this.site = site;
    this.dir = mkdtempSync(join(tmpdir(), 'mingchu-stack-'));
    this.children = new Set();
  }

  /** Runs a `mingchu` command on the stack's data and returns what it printed. */
  mingchu(...args) {
    return execFileSync(this.bin, ['--data-dir', join(this.dir, 'data'), ...args], { encoding: 'utf8' }).trim();
  }

  /** An RTSP camera (640x360, 15 fps) at rtsp://127.0.0.1:PORT/cam. */
  startCamera(port) {
    return this.#start('/usr/bin/python3', [join(ROOT, 'scripts', 'rtsp-camera.py'), '--port', String(port),
      '--path', '/cam', '--width', '640', '--height', '360', '--fps', '15', '--bitrate', '600'],
    /ready rtsp:/, 'the RTSP camera');
  }

  /** `mingchu serve` on the stack's data at 127.0.0.1:PORT (camera checks off), with `extra` flags. */
  startServer(port, extra = []) {
    return this.#start(this.bin, ['--data-dir', join(this.dir, 'data'), 'serve', '--bind', `127.0.0.1:${port}`,
      '--webrtc-bind', '127.0.0.1:0', '--site-root', this.site, '--check-interval', '0', ...extra],
    /listening on http/, 'the server');
  }

  /** Stops a process with SIGTERM and waits until it has exited. */
  async stop(child) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Kills whatever still runs and removes the data. */
  cleanup() {
    for (const child of this.children) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Spawns a process; resolves once its output matches `ready` (then stops keeping it). */
  #start(command, args, ready, what) {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    let log = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${log}`)), 30_000);
      const watch = (chunk) => {
        if (log === null) return; // started: the output is drained, not kept
        log += chunk;
        if (ready.test(log)) {
          clearTimeout(timer);
          log = null;
          resolve(child);
        }
      };
      child.stdout.on('data', watch);
      child.stderr.on('data', watch);
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (log !== null) reject(new Error(`${what} exited (${code}):\n${log}`));
      });
    });
  }
}
