import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { caller, type Caller } from './client.js';

let fake: FakeValentina;
let call: Caller;

beforeAll(async () => {
  fake = await startFakeValentina();
  call = caller(fake);
});
afterAll(() => fake.close());

const notes = () => `/companies/${fake.fixture.companies.chicago}/users/${fake.fixture.users.mara.id}/notes`;

describe('user notes (N1–N5)', () => {
  it('creates, reads, edits and deletes a note', async () => {
    const created = await call('POST', notes(), { body: { title: 'Haven', content: 'The old **rail yard**.' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      title: 'Haven',
      user_id: fake.fixture.users.mara.id,
      company_id: fake.fixture.companies.chicago,
      campaign_id: null,
      character_id: null,
    });
    const id = String(created.body.id);
    expect((await call('GET', `${notes()}/${id}`)).body.content).toBe('The old **rail yard**.');
    const edited = await call('PATCH', `${notes()}/${id}`, { body: { content: 'Moved to the docks.' } });
    expect(edited.body).toMatchObject({ title: 'Haven', content: 'Moved to the docks.' });
    const list = await call<{ total: number }>('GET', notes());
    expect(list.body.total).toBe(3);
    expect((await call('DELETE', `${notes()}/${id}`)).status).toBe(204);
    expect((await call('GET', `${notes()}/${id}`)).body.detail).toBe('Note not found');
    expect((await call('DELETE', `${notes()}/${id}`)).status).toBe(404);
  });

  it('validates lengths after trimming and refuses null on edit', async () => {
    const short = await call('POST', notes(), { body: { title: ' ab ', content: 'long enough' } });
    expect(short.status).toBe(400);
    expect(short.body.detail).toBe("title: Length of 'ab' 2 < 3");
    expect(short.body.invalid_parameters).toEqual([{ field: 'body', message: 'One or more fields did not pass validation.' }]);
    const noContent = await call('POST', notes(), { body: { title: 'Empty' } });
    expect(noContent.status).toBe(400);
    const nulled = await call('PATCH', `${notes()}/${fake.fixture.notes.maraRecap}`, { body: { title: null } });
    expect(nulled.body.detail).toBe('Validation failed for one or more fields.');
  });

  it('404s a note read under another user', async () => {
    const other = `/companies/${fake.fixture.companies.chicago}/users/${fake.fixture.users.bastien.id}/notes/${fake.fixture.notes.maraRecap}`;
    expect((await call('GET', other)).status).toBe(404);
  });
});
