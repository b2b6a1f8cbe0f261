// Avatar initials and colour for a participant: stable for a name, so people keep their colour across views.

export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]][0] ?? '') : '';
  return (first + last).toUpperCase();
}

/** A hue in [0, 360) from a string (FNV-1a). */
export function hue(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 360;
}

export function avatarColor(name: string): string {
  return `hsl(${hue(name)} 55% 42%)`;
}

/** A lighter shade of the avatar colour, readable as text on the dark background. */
export function nameColor(name: string): string {
  return `hsl(${hue(name)} 70% 72%)`;
}
