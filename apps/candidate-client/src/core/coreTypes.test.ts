import { describe, expect, it } from 'vitest';
import { type PhaseInputs, phaseOf } from './coreTypes.js';

const answering: PhaseInputs = {
  revoked: false,
  sitting: { phase: 'running', handedInAt: null },
  timeUp: false,
  paperOpen: true,
};

describe('phaseOf', () => {
  it('waits for the key before answering', () => {
    expect(phaseOf({ ...answering, paperOpen: false })).toBe('waiting');
    expect(phaseOf(answering)).toBe('answering');
  });

  it('stops answering when the local countdown reaches zero, before the server says so', () => {
    expect(phaseOf({ ...answering, timeUp: true })).toBe('time-up');
  });

  it('puts a hand-in above time-up and a revocation above everything', () => {
    expect(phaseOf({ ...answering, timeUp: true, sitting: { phase: 'running', handedInAt: 1 } })).toBe(
      'handed-in',
    );
    expect(phaseOf({ ...answering, revoked: true, sitting: null })).toBe('revoked');
    expect(phaseOf({ ...answering, sitting: null })).toBe('signed-out');
  });
});
