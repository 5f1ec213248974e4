import { describe, expect, it } from 'vitest';
import { leavesBodyUnread, mustNotStore } from '../../src/http/hygiene.ts';

describe('leavesBodyUnread', () => {
  it('is true for a 413 however it was served, and for any answer that left the socket unread', () => {
    expect(leavesBodyUnread(413, true, undefined)).toBe(true);
    expect(leavesBodyUnread(413, false, { readableEnded: true })).toBe(true);
    expect(leavesBodyUnread(404, true, { readableEnded: false })).toBe(true);
    expect(leavesBodyUnread(408, true, { readableEnded: false })).toBe(true);
  });
  it('is false once the body was read, for a request without one, and where no socket tells', () => {
    expect(leavesBodyUnread(201, true, { readableEnded: true })).toBe(false);
    expect(leavesBodyUnread(403, false, { readableEnded: false })).toBe(false);
    expect(leavesBodyUnread(403, true, undefined)).toBe(false);
  });
});

describe('mustNotStore', () => {
  it('holds for every page and every answer to a signed-in caller', () => {
    expect(mustNotStore({ path: '/login', authenticated: false, contentType: 'text/html; charset=UTF-8' })).toBe(true);
    expect(mustNotStore({ path: '/api/cases', authenticated: true, contentType: 'application/json' })).toBe(true);
    expect(mustNotStore({ path: '/api/files/x', authenticated: true, contentType: 'application/pdf' })).toBe(true);
  });
  it('leaves public data and the shared stylesheet and scripts cacheable', () => {
    expect(mustNotStore({ path: '/api/public/cases', authenticated: false, contentType: 'application/json' })).toBe(false);
    expect(mustNotStore({ path: '/public/feed.xml', authenticated: false, contentType: 'application/atom+xml' })).toBe(false);
    expect(mustNotStore({ path: '/assets/app.css', authenticated: true, contentType: 'text/css' })).toBe(false);
  });
});
