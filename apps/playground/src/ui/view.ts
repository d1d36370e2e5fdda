/**
 * DOM rendering: canvases, the word grid over the input, the nearest-word lists and
 * the usage histogram. No state here: main.ts owns it and calls these.
 */
import type { ModelImage, NearestWords } from '../model/engine';
import { toRgba } from '../image/prepare';
import type { TokenGrid, Vocabulary } from './tokens';
import { patchLabel, patchWords } from './tokens';
import type { Bar } from './usage';

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el == null) throw new Error(`#${id} is missing from index.html`);
  return el as T;
};

export function drawImage(canvas: HTMLCanvasElement, image: ModelImage): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d');
  if (ctx == null) return;
  ctx.putImageData(new ImageData(toRgba(image), image.width, image.height), 0, 0);
}

/**
 * One cell per position, labelled with its words (visible when cells are big enough,
 * always in the title and data-label). The tokens go in data-tokens, for tests and for
 * anyone comparing with `vqct tokenize`.
 */
export function renderGrid(container: HTMLElement, grid: TokenGrid, vocab: Vocabulary, edited: ReadonlySet<number>): void {
  container.style.gridTemplateColumns = `repeat(${grid.gridW}, 1fr)`;
  container.style.gridTemplateRows = `repeat(${grid.gridH}, 1fr)`;
  container.classList.toggle('hide-words', grid.gridW > 8);
  container.dataset.tokens = Array.from(grid.tokens).join(',');
  container.dataset.shape = `${grid.gridH},${grid.gridW},${grid.k + 1}`;
  const cells: HTMLElement[] = [];
  for (let p = 0; p < grid.gridH * grid.gridW; p++) {
    const label = patchLabel(vocab, patchWords(grid, p));
    const cell = document.createElement('div');
    cell.dataset.patch = String(p);
    cell.dataset.label = label;
    cell.title = label;
    cell.textContent = label;
    if (edited.has(p)) cell.classList.add('edited');
    cells.push(cell);
  }
  container.replaceChildren(...cells);
}

export function renderBars(list: HTMLElement, bars: Bar[]): void {
  list.replaceChildren(
    ...bars.map((b) => {
      const li = document.createElement('li');
      const word = document.createElement('span');
      word.textContent = b.word;
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = `${Math.max(2, b.fraction * 100)}%`;
      const count = document.createElement('span');
      count.textContent = String(b.count);
      li.append(word, bar, count);
      li.dataset.index = String(b.index);
      return li;
    }),
  );
}

/**
 * Nearest words as list items; with `onNoun`, nouns are buttons that set the noun.
 */
export function renderNearest(adjList: HTMLElement, nounList: HTMLElement, nearest: NearestWords, onNoun?: (noun: number) => void): void {
  const item = (text: string, title: string, onClick?: () => void) => {
    const li = document.createElement('li');
    li.title = title;
    if (onClick) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.addEventListener('click', onClick);
      li.append(b);
    } else {
      li.textContent = text;
    }
    return li;
  };
  adjList.replaceChildren(...nearest.adjectives.map((w) => item(w.word, `squared distance ${w.distance.toFixed(3)}`)));
  nounList.replaceChildren(
    ...nearest.nouns.map((w) => item(w.word, `squared distance ${w.distance.toFixed(3)}`, onNoun ? () => onNoun(w.index) : undefined)),
  );
}

/** Cells from `from` on are not sampled yet: no words, shaded. */
export function markPending(container: HTMLElement, from: number): void {
  Array.from(container.children).forEach((cell, p) => {
    const pending = p >= from;
    cell.classList.toggle('pending', pending);
    if (pending) {
      cell.textContent = '';
      (cell as HTMLElement).title = '';
    }
  });
}
