import { describe, expect, it } from 'vitest';
import { isTypingTarget, shortcutFor } from './shortcuts';

describe('shortcutFor', () => {
  it('maps M and V, in either case', () => {
    expect(shortcutFor({ key: 'm' })).toBe('mic');
    expect(shortcutFor({ key: 'M' })).toBe('mic');
    expect(shortcutFor({ key: 'v' })).toBe('camera');
    expect(shortcutFor({ key: 'x' })).toBeNull();
  });

  it('ignores keys with modifiers, repeats and compositions', () => {
    expect(shortcutFor({ key: 'm', ctrlKey: true })).toBeNull();
    expect(shortcutFor({ key: 'v', metaKey: true })).toBeNull();
    expect(shortcutFor({ key: 'm', altKey: true })).toBeNull();
    expect(shortcutFor({ key: 'm', repeat: true })).toBeNull();
    expect(shortcutFor({ key: 'm', isComposing: true })).toBeNull();
    expect(shortcutFor({ key: 'm', defaultPrevented: true })).toBeNull();
  });

  it('does nothing while typing', () => {
    expect(shortcutFor({ key: 'm', target: { tagName: 'TEXTAREA' } })).toBeNull();
    expect(shortcutFor({ key: 'm', target: { tagName: 'INPUT', type: 'text' } })).toBeNull();
    expect(shortcutFor({ key: 'v', target: { tagName: 'SELECT' } })).toBeNull();
    expect(shortcutFor({ key: 'v', target: { tagName: 'DIV', isContentEditable: true } })).toBeNull();
    expect(shortcutFor({ key: 'm', target: { tagName: 'BUTTON' } })).toBe('mic');
    expect(shortcutFor({ key: 'm', target: { tagName: 'BODY' } })).toBe('mic');
  });

  it('treats button-like inputs as not typing', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTypingTarget({ tagName: 'input' })).toBe(true);
    expect(isTypingTarget(null)).toBe(false);
  });
});
