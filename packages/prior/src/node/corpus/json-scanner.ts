import { InputError } from '@vqct/core';

/** A path step: an object key or an array position. */
export type PathStep = string | number;

interface Frame {
  kind: 'obj' | 'arr';
  key: PathStep;
  /** obj: expecting a key next; arr: index of the next element. */
  expectKey: boolean;
  index: number;
  /** A value was just completed and a comma or closer must follow. */
  afterValue: boolean;
}

/**
 * A small streaming JSON scanner: feed text chunks, get every string and
 * scalar value with its path. Lets a 100 MB COCO captions file be read
 * without holding its parse tree, and reports syntax errors with a line.
 */
export class JsonScanner {
  private stack: Frame[] = [];
  private str: string[] | null = null;
  private escape = false;
  private isKey = false;
  private scalar = '';
  private line = 1;
  private started = false;
  private done = false;
  private strLength = 0;

  constructor(
    private readonly file: string,
    private readonly onValue: (path: PathStep[], value: string | number | boolean | null, line: number) => void,
    /** The longest string or number accepted, in characters (refused before it is held whole). */
    private readonly maxValueLength = Number.POSITIVE_INFINITY,
  ) {}

  private grow(n: number): void {
    this.strLength += n;
    if (this.strLength > this.maxValueLength) this.fail(`a value longer than ${this.maxValueLength} characters`);
  }

  private fail(msg: string): never {
    throw new InputError(`malformed JSON: ${msg}`, { file: this.file, line: this.line });
  }

  private path(): PathStep[] {
    const p: PathStep[] = [];
    for (let i = 1; i < this.stack.length; i++) p.push(this.stack[i].key);
    const top = this.stack[this.stack.length - 1];
    if (top != null) p.push(top.kind === 'arr' ? top.index : top.key);
    return p;
  }

  private beginValue(): void {
    const top = this.stack[this.stack.length - 1];
    if (top == null) {
      if (this.started) this.fail('more than one top-level value');
      this.started = true;
      return;
    }
    if (top.afterValue) this.fail('missing comma');
    if (top.kind === 'obj' && top.expectKey) this.fail('expected a key');
  }

  private endValue(): void {
    const top = this.stack[this.stack.length - 1];
    if (top == null) {
      this.done = true;
      return;
    }
    top.afterValue = true;
  }

  private flushScalar(): void {
    if (this.scalar.length === 0) return;
    const s = this.scalar;
    this.scalar = '';
    let v: number | boolean | null;
    if (s === 'true') v = true;
    else if (s === 'false') v = false;
    else if (s === 'null') v = null;
    else {
      v = Number(s);
      if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(s)) this.fail(`unexpected ${JSON.stringify(s.slice(0, 20))}`);
    }
    this.beginValue();
    this.onValue(this.path(), v, this.line);
    this.endValue();
  }

  write(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.str != null) {
        if (this.escape) {
          this.escape = false;
          this.str.push('\\', c);
          this.grow(2);
        } else if (c === '\\') this.escape = true;
        else if (c === '"') {
          const raw = this.str.join('');
          this.str = null;
          this.strLength = 0;
          let value: string;
          try {
            value = JSON.parse(`"${raw}"`) as string;
          } catch {
            this.fail('bad string escape');
          }
          if (this.isKey) {
            const top = this.stack[this.stack.length - 1];
            top.key = value;
            top.expectKey = false;
          } else {
            this.onValue(this.path(), value, this.line);
            this.endValue();
          }
        } else {
          if (c === '\n') this.fail('newline inside a string');
          // Batch plain runs: much faster than one push per character.
          let j = i;
          while (j < chunk.length && chunk[j] !== '"' && chunk[j] !== '\\' && chunk[j] !== '\n') j++;
          this.str.push(chunk.slice(i, j));
          this.grow(j - i);
          i = j - 1;
        }
        continue;
      }
      if (/[-+.\w]/.test(c)) {
        if (this.scalar.length >= this.maxValueLength) this.fail(`a value longer than ${this.maxValueLength} characters`);
        this.scalar += c;
        continue;
      }
      this.flushScalar();
      const top = this.stack[this.stack.length - 1];
      switch (c) {
        case '\n': this.line++; break;
        case ' ': case '\t': case '\r': break;
        case '"':
          if (top != null && top.kind === 'obj' && top.expectKey) {
            this.isKey = true;
          } else {
            this.beginValue();
            this.isKey = false;
          }
          this.str = [];
          break;
        case ':':
          if (top == null || top.kind !== 'obj' || top.expectKey || top.afterValue) this.fail('unexpected ":"');
          break;
        case ',':
          if (top == null || !top.afterValue) this.fail('unexpected ","');
          top.afterValue = false;
          if (top.kind === 'obj') top.expectKey = true;
          else top.index++;
          break;
        case '{': case '[':
          this.beginValue();
          this.stack.push({ kind: c === '{' ? 'obj' : 'arr', key: top == null ? '' : top.kind === 'arr' ? top.index : top.key, expectKey: c === '{', index: 0, afterValue: false });
          break;
        case '}': case ']': {
          if (top == null || top.kind !== (c === '}' ? 'obj' : 'arr')) this.fail(`unexpected "${c}"`);
          this.stack.pop();
          this.endValue();
          break;
        }
        default:
          this.fail(`unexpected character ${JSON.stringify(c)}`);
      }
      if (this.done && this.stack.length === 0 && c !== '}' && c !== ']' && !/\s/.test(c)) this.fail('trailing characters');
    }
  }

  end(): void {
    this.flushScalar();
    if (this.str != null || this.stack.length > 0 || !this.started) this.fail('unexpected end of file (truncated?)');
  }
}
