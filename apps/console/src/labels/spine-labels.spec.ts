import { labelLines } from './spine-labels.service';

describe('spine label lines', () => {
  it('splits call numbers the way libraries print them', () => {
    expect(labelLines('QA76.73 .J38 S55 2010', 'lc')).toEqual(['QA', '76.73', '.J38', 'S55', '2010']);
    expect(labelLines('641.5 BRO', 'ddc')).toEqual(['641.5', 'BRO']);
    expect(labelLines('MICROFILM REEL 12', 'local')).toEqual(['MICROFILM', 'REEL', '12']);
  });
});
