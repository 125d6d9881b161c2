/**
 * The narrow file-access interface of the IaC context. Domain code in src/iac reads files only
 * through a SourceReader; node-source-reader.ts is the one implementation that touches the disk.
 */
export interface DirEntry {
  name: string;
  kind: 'file' | 'dir' | 'symlink' | 'other';
}

export interface SourceReader {
  /** Bytes of a file. Rejects when the file cannot be read. */
  readFile(path: string): Promise<Uint8Array>;
  /** Entries of a directory, in no particular order. Rejects when it cannot be listed. */
  readDir(path: string): Promise<DirEntry[]>;
  /** Canonical absolute path with symlinks resolved. Rejects on loops and dangling links. */
  realPath(path: string): Promise<string>;
}
