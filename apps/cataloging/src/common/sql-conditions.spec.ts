import { escapeLike, SqlConditions } from './sql-conditions';

describe('SqlConditions', () => {
  it('numbers parameters in the order they are added and joins conditions with AND', () => {
    const sql = new SqlConditions();
    sql.and(`a = ${sql.param(1)}`).and(`b = ANY(${sql.param(['x'])})`);
    expect(sql.where).toBe('WHERE a = $1 AND b = ANY($2)');
    expect(sql.params).toEqual([1, ['x']]);
  });

  it('has no WHERE clause without conditions', () => {
    expect(new SqlConditions().where).toBe('');
  });

  it('escapes LIKE wildcards so a title search matches them literally', () => {
    expect(escapeLike('100%_done\\')).toBe('100\\%\\_done\\\\');
  });
});
