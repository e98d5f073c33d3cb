import 'reflect-metadata';
import { DEFAULT_PROCESSING_PROFILES, profileProblem, stepRefusal, StepTarget, stepsAtReceipt } from './processing-steps';

describe('steps at receipt', () => {
  const book = DEFAULT_PROCESSING_PROFILES.book;
  const nothingDone = { hasCallNumber: false, securityTagged: false, preApplied: [] };

  it('leaves every step of the profile pending when the vendor did nothing', () => {
    expect(stepsAtReceipt(book, nothingDone)).toEqual({ done: [], pending: ['spine-label', 'cover', 'security-tag', 'stamp'] });
  });

  it('counts the spine label as done when the item arrives with a call number', () => {
    expect(stepsAtReceipt(book, { ...nothingDone, hasCallNumber: true })).toEqual({ done: ['spine-label'], pending: ['cover', 'security-tag', 'stamp'] });
  });

  it('counts the security tag as done when the vendor applied one', () => {
    expect(stepsAtReceipt(book, { ...nothingDone, securityTagged: true }).pending).toEqual(['spine-label', 'cover', 'stamp']);
  });

  it('counts pre-applied steps as done and keeps profile order in both lists', () => {
    expect(stepsAtReceipt(book, { hasCallNumber: true, securityTagged: false, preApplied: ['stamp', 'cover'] })).toEqual({
      done: ['spine-label', 'cover', 'stamp'],
      pending: ['security-tag'],
    });
  });

  it('ignores vendor work that is not a step of the profile', () => {
    expect(stepsAtReceipt(DEFAULT_PROCESSING_PROFILES.newspaper, { hasCallNumber: true, securityTagged: true, preApplied: ['cover'] })).toEqual({
      done: [],
      pending: ['stamp'],
    });
  });

  it('leaves nothing to do for an electronic resource', () => {
    expect(stepsAtReceipt(DEFAULT_PROCESSING_PROFILES['e-resource'], nothingDone)).toEqual({ done: [], pending: [] });
  });

  it('has the default profiles of issue 3', () => {
    expect(DEFAULT_PROCESSING_PROFILES).toEqual({
      book: ['spine-label', 'cover', 'security-tag', 'stamp'],
      magazine: ['cover', 'security-tag', 'stamp'],
      newspaper: ['stamp'],
      'e-resource': [],
      audiovisual: ['spine-label', 'security-tag', 'stamp'],
      other: ['spine-label', 'stamp'],
    });
  });
});

describe('profile rules', () => {
  it('accepts any distinct steps for a physical material type, none at all included', () => {
    expect(profileProblem('book', ['stamp', 'rfid-program'])).toBeNull();
    expect(profileProblem('newspaper', [])).toBeNull();
  });

  it('refuses physical steps for electronic resources', () => {
    expect(profileProblem('e-resource', ['stamp'])).toMatch(/must be empty/);
    expect(profileProblem('e-resource', [])).toBeNull();
  });

  it('refuses a step listed twice', () => {
    expect(profileProblem('book', ['stamp', 'cover', 'stamp'])).toMatch(/stamp appears more than once/);
  });
});

describe('recording a step', () => {
  const item: StepTarget = {
    label: '31234000000017',
    materialType: 'book',
    requiredSteps: ['spine-label', 'cover', 'stamp'],
    pendingSteps: ['spine-label', 'stamp'],
    callNumber: null,
  };

  it('accepts a pending step of the item', () => {
    expect(stepRefusal(item, 'stamp')).toBeNull();
  });

  it('refuses with 400 a step that is not one of the item’s steps, naming them', () => {
    expect(stepRefusal(item, 'security-tag')).toEqual({
      status: 400,
      message: 'security-tag is not a processing step of item 31234000000017 (its steps: spine-label, cover, stamp)',
    });
  });

  it('refuses with 409 a step already recorded', () => {
    expect(stepRefusal(item, 'cover')).toEqual({ status: 409, message: 'cover is already recorded on item 31234000000017' });
  });

  it('refuses with 409 a spine label before a call number exists, and accepts it after', () => {
    expect(stepRefusal(item, 'spine-label')).toMatchObject({ status: 409, message: expect.stringContaining('has no call number yet') });
    expect(stepRefusal({ ...item, callNumber: 'QA76.73 .J38' }, 'spine-label')).toBeNull();
  });

  it('refuses any step on an electronic resource', () => {
    expect(stepRefusal({ ...item, materialType: 'e-resource', requiredSteps: [], pendingSteps: [] }, 'stamp')).toMatchObject({ status: 400 });
  });
});
