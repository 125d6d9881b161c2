/** One parser under measurement: our own or a peer, behind the same small interface. */
export interface BenchParser {
  name: string;
  /** How it is run here (native binding, wasm...), printed with the figures. */
  how: string;
  /** Parses one file; resolves to the number of files it judged to have syntax errors (0 or 1). */
  parse(file: string, text: string): number | Promise<number>;
}
