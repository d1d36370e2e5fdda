import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pretrainedDir } from '@vqct/models/node';
import { describe, expect, it } from 'vitest';
import { checkpointLabel } from './checkpoint-label';

describe('checkpointLabel', () => {
  it('names a run checkpoint by its path from the working folder, with forward slashes', () => {
    const cwd = resolve('/tmp/work');
    expect(checkpointLabel(join(cwd, 'runs', 'a', 'checkpoints', 'last.json'), cwd)).toBe('runs/a/checkpoints/last.json');
    expect(checkpointLabel('runs/b/last.json', cwd)).toBe('runs/b/last.json');
    expect(checkpointLabel(resolve('/tmp/other/last.json'), cwd)).toBe('../other/last.json');
  });

  it('names a shipped model by package, name and version, wherever it is installed', () => {
    const dir = pretrainedDir('emoji-32');
    const version = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')).version as string;
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(checkpointLabel(join(dir, 'emoji-32.json'), '/somewhere/else')).toBe(`@vqct/models emoji-32 ${version}`);
  });
});
