import { randomBytes } from 'node:crypto';
import { serialOf } from './generate.js';
import {
  GeneratedShelf,
  KIND_CHAR,
  MATERIAL_TYPES,
  defaultItems,
  type FakeMaterialType,
  type ItemSource,
} from './library-data.js';

export { MATERIAL_TYPES, type FakeMaterialType } from './library-data.js';

/** The bytes of an uploaded file, served back as they came. */
export interface StoredFile {
  bytes: Buffer;
  filename: string;
  contentType: string;
  /** the upload type: a thumb sits on the image shelf but stays a thumb */
  uploadType: string;
}

export interface FoundMaterial {
  type: FakeMaterialType;
  item: Record<string, unknown>;
  /** set for uploaded files; seeded and generated items have none */
  file?: StoredFile;
}

interface Shelf {
  /** added with add(), newest first */
  front: object[];
  base: ItemSource;
  /** indices into `base` deleted since seeding, ascending */
  removed: number[];
}

export function isMaterialType(value: unknown): value is FakeMaterialType {
  return typeof value === 'string' && (MATERIAL_TYPES as readonly string[]).includes(value);
}

function emptyShelves(): Record<FakeMaterialType, Shelf> {
  return {
    image: { front: [], base: [], removed: [] },
    video: { front: [], base: [], removed: [] },
    voice: { front: [], base: [], removed: [] },
    news: { front: [], base: [], removed: [] },
  };
}

function idOf(item: object | undefined): unknown {
  return (item as { media_id?: unknown } | undefined)?.media_id;
}

/**
 * The permanent material library: one shelf per type, newest first as WeChat lists them.
 * Uploaded files keep their bytes here, so seeding a new library drops them too.
 */
export class MaterialLibrary {
  private shelves = emptyShelves();
  private files = new Map<string, StoredFile>();

  constructor() {
    this.seed(defaultItems());
  }

  /** Replaces the library; types left out become empty. Index 0 of each list is the newest. */
  seed(items: Partial<Record<FakeMaterialType, readonly object[]>>): void {
    const shelves = emptyShelves();
    for (const type of MATERIAL_TYPES) {
      const list = items[type];
      if (list) shelves[type].base = [...list];
    }
    this.shelves = shelves;
    this.files = new Map();
  }

  /** Replaces the library with `counts` items per type, built when asked for. */
  seedGenerated(counts: Partial<Record<FakeMaterialType, number>>): void {
    const shelves = emptyShelves();
    for (const type of MATERIAL_TYPES) {
      const count = counts[type] ?? 0;
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(`FakeWechatServer: seedGenerated ${type} must be an integer >= 0`);
      }
      shelves[type].base = new GeneratedShelf(type, count);
    }
    this.shelves = shelves;
    this.files = new Map();
  }

  /** Inserts an item as the newest of its type; fills a missing media_id and update_time. */
  add(type: FakeMaterialType, item: object, file?: StoredFile): Record<string, unknown> {
    if (!isMaterialType(type))
      throw new RangeError(`FakeWechatServer: unknown type ${String(type)}`);
    const full: Record<string, unknown> = {
      media_id: randomBytes(33).toString('base64url').slice(0, 43),
      update_time: Math.floor(Date.now() / 1000),
      ...item,
    };
    this.shelves[type].front.unshift(full);
    if (file) this.files.set(String(full.media_id), file);
    return full;
  }

  count(type: FakeMaterialType): number {
    const shelf = this.shelves[type];
    return shelf.front.length + shelf.base.length - shelf.removed.length;
  }

  /** Items `offset .. offset+count-1`, newest first. */
  page(type: FakeMaterialType, offset: number, count: number): object[] {
    const shelf = this.shelves[type];
    const out: object[] = [];
    const end = Math.min(offset + count, this.count(type));
    for (let i = offset; i < end; i++) {
      const found =
        i < shelf.front.length
          ? shelf.front[i]
          : shelf.base.at(this.baseIndex(shelf, i - shelf.front.length));
      if (found) out.push(found);
    }
    return out;
  }

  find(mediaId: string): FoundMaterial | undefined {
    for (const type of MATERIAL_TYPES) {
      const shelf = this.shelves[type];
      const front = shelf.front.find((item) => idOf(item) === mediaId);
      if (front)
        return { type, item: front as Record<string, unknown>, file: this.files.get(mediaId) };
      const index = this.findInBase(shelf, type, mediaId);
      if (index >= 0) return { type, item: shelf.base.at(index) as Record<string, unknown> };
    }
    return undefined;
  }

  /** Deletes an item; false when no item has that id. */
  remove(mediaId: string): boolean {
    for (const type of MATERIAL_TYPES) {
      const shelf = this.shelves[type];
      const at = shelf.front.findIndex((item) => idOf(item) === mediaId);
      if (at >= 0) {
        shelf.front.splice(at, 1);
        this.files.delete(mediaId);
        return true;
      }
      const index = this.findInBase(shelf, type, mediaId);
      if (index >= 0) {
        const pos = shelf.removed.findIndex((r) => r > index);
        shelf.removed.splice(pos < 0 ? shelf.removed.length : pos, 0, index);
        return true;
      }
    }
    return false;
  }

  /** Index in `base` of a live item with this id, or -1. */
  private findInBase(shelf: Shelf, type: FakeMaterialType, mediaId: string): number {
    let index = -1;
    if (shelf.base instanceof GeneratedShelf) {
      // Generated ids spell their serial: rebuild that one item instead of scanning 50,000.
      const n = serialOf(mediaId);
      const candidate = n < 0 || mediaId[34] !== KIND_CHAR[type] ? -1 : shelf.base.length - 1 - n;
      if (candidate >= 0 && idOf(shelf.base.at(candidate)) === mediaId) index = candidate;
    } else {
      for (let i = 0; i < shelf.base.length && index < 0; i++) {
        if (idOf(shelf.base.at(i)) === mediaId) index = i;
      }
    }
    return index >= 0 && !shelf.removed.includes(index) ? index : -1;
  }

  /** Maps a position among the live base items to its index in `base`, skipping deleted ones. */
  private baseIndex(shelf: Shelf, position: number): number {
    let index = position;
    for (const removed of shelf.removed) {
      if (removed <= index) index++;
      else break;
    }
    return index;
  }
}
