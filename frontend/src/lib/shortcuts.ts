// Keyboard shortcuts of the call view: M toggles the microphone, V the camera. Never while typing (in an
// input, textarea, select or editable element), with a modifier (so browser shortcuts keep working), or
// when a key repeats.

export type Shortcut = 'mic' | 'camera';

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  repeat?: boolean;
  isComposing?: boolean;
  defaultPrevented?: boolean;
  target?: unknown;
}

const KEYS: Record<string, Shortcut> = { m: 'mic', v: 'camera' };

export function shortcutFor(e: KeyLike): Shortcut | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || e.isComposing || e.defaultPrevented) return null;
  if (isTypingTarget(e.target)) return null;
  return KEYS[e.key.toLowerCase()] ?? null;
}

/** Whether keys typed at `target` are text: form fields and editable content. */
export function isTypingTarget(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  const el = target as { tagName?: unknown; isContentEditable?: unknown; type?: unknown };
  if (el.isContentEditable === true) return true;
  const tag = typeof el.tagName === 'string' ? el.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  // Buttons-like inputs take no text: a shortcut there is fine.
  const type = typeof el.type === 'string' ? el.type.toLowerCase() : 'text';
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(type);
}
