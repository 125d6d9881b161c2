import { readdir, readFile, realpath } from 'node:fs/promises';
import type { DirEntry, SourceReader } from './source-reader.js';

/** SourceReader over node:fs/promises: the only place in src/iac that touches the file system. */
export class NodeSourceReader implements SourceReader {
  async readFile(path: string): Promise<Uint8Array> {
    return readFile(path);
  }

  async readDir(path: string): Promise<DirEntry[]> {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.map((e) => ({
      name: e.name,
      kind: e.isFile() ? 'file' : e.isDirectory() ? 'dir' : e.isSymbolicLink() ? 'symlink' : 'other',
    }));
  }

  async realPath(path: string): Promise<string> {
    return realpath(path);
  }
}

export const nodeSourceReader: SourceReader = new NodeSourceReader();
