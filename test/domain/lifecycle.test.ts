import { describe, expect, it } from 'vitest';
import { type CaseState, awardPath, caseStates, isLateJoin, nextStates, transition } from '../../src/domain/lifecycle.ts';
import { caseMethods } from '../../src/domain/methods.ts';

describe('case lifecycle', () => {
  it('moves forward along draft → rfi → spec_review → open → evaluation', () => {
    const path: CaseState[] = ['draft', 'rfi', 'spec_review', 'open', 'evaluation'];
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
      ['draft', 'draft'],
      ['evaluation', 'open'],
    ] as [CaseState, CaseState][]) {
      const result = transition(from, to);
      expect(result.ok, `${from} → ${to}`).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/移行できません/);
    }
  });

  it('never moves to awarded: that comes with the award record', () => {
    for (const from of caseStates) {
      const result = transition(from, 'awarded');
      expect(result.ok, from).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/決定.*を記録してください/);
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

  it('lists exactly the moves transition() allows, and never awarded', () => {
    for (const from of caseStates) {
      const allowed = caseStates.filter((to) => transition(from, to).ok);
      expect(nextStates(from).sort()).toEqual(allowed.sort());
      expect(nextStates(from)).not.toContain('awarded');
    }
  });

  it('calls a join after publication late', () => {
    expect(caseStates.filter(isLateJoin)).toEqual(['open', 'evaluation', 'awarded']);
  });
});

describe('the way to awarded (awardPath)', () => {
  it('takes a 随意契約 straight to awarded from any state before the award, without publication', () => {
    for (const state of ['draft', 'rfi', 'spec_review', 'open', 'evaluation'] as CaseState[]) {
      expect(awardPath('negotiated', state), state).toEqual({ ok: true, path: ['awarded'] });
    }
  });

  it('takes every other method through evaluation once published', () => {
    for (const method of caseMethods.filter((m) => m !== 'negotiated')) {
      expect(awardPath(method, 'open'), method).toEqual({ ok: true, path: ['evaluation', 'awarded'] });
      expect(awardPath(method, 'evaluation'), method).toEqual({ ok: true, path: ['awarded'] });
      for (const state of ['draft', 'rfi', 'spec_review'] as CaseState[]) {
        const result = awardPath(method, state);
        expect(result.ok, `${method} ${state}`).toBe(false);
        if (!result.ok) expect(result.reason).toMatch(/決定を記録できません/);
      }
    }
  });

  it('refuses an awarded or cancelled case, whatever the method', () => {
    for (const method of caseMethods) {
      for (const state of ['awarded', 'cancelled'] as CaseState[]) expect(awardPath(method, state).ok, `${method} ${state}`).toBe(false);
    }
  });

  it('passes only through moves the lifecycle allows, then awarded', () => {
    for (const method of caseMethods) {
      for (const state of caseStates) {
        const result = awardPath(method, state);
        if (!result.ok) continue;
        expect(result.path.at(-1)).toBe('awarded');
        let at = state;
        for (const to of result.path.slice(0, -1)) {
          expect(transition(at, to).ok, `${method}: ${at} → ${to}`).toBe(true);
          at = to;
        }
      }
    }
  });
});
