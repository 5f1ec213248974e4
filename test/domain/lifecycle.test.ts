import { describe, expect, it } from 'vitest';
import { type CaseState, caseStates, isLateJoin, nextStates, transition } from '../../src/domain/lifecycle.ts';

describe('case lifecycle', () => {
  it('moves forward along draft → rfi → spec_review → open → evaluation → awarded', () => {
    const path: CaseState[] = ['draft', 'rfi', 'spec_review', 'open', 'evaluation', 'awarded'];
    for (let i = 0; i + 1 < path.length; i++) expect(transition(path[i]!, path[i + 1]!)).toEqual({ ok: true, to: path[i + 1] });
  });

  it('lets rfi and spec_review be skipped', () => {
    expect(transition('draft', 'open').ok).toBe(true);
    expect(transition('draft', 'spec_review').ok).toBe(true);
    expect(transition('rfi', 'open').ok).toBe(true);
  });

  it('refuses going back, skipping open or evaluation, and staying put', () => {
    for (const [from, to] of [
      ['rfi', 'draft'],
      ['open', 'spec_review'],
      ['draft', 'evaluation'],
      ['open', 'awarded'],
      ['draft', 'draft'],
      ['evaluation', 'open'],
    ] as [CaseState, CaseState][]) {
      const result = transition(from, to);
      expect(result.ok, `${from} → ${to}`).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/移行できません/);
    }
  });

  it('cancels from any state before the award, and nothing leaves awarded or cancelled', () => {
    for (const state of caseStates) {
      const expected = state !== 'awarded' && state !== 'cancelled';
      expect(transition(state, 'cancelled').ok, state).toBe(expected);
    }
    for (const to of caseStates) {
      expect(transition('awarded', to).ok).toBe(false);
      expect(transition('cancelled', to).ok).toBe(false);
    }
  });

  it('lists exactly the moves transition() allows', () => {
    for (const from of caseStates) {
      const allowed = caseStates.filter((to) => transition(from, to).ok);
      expect(nextStates(from).sort()).toEqual(allowed.sort());
    }
  });

  it('calls a join after publication late', () => {
    expect(caseStates.filter(isLateJoin)).toEqual(['open', 'evaluation', 'awarded']);
  });
});
