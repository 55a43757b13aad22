// Export and deletion cover every model that holds data about a member. The models come from
// the generated Prisma client's data model: a new model with a relation to Member, or a column
// such as memberId / authorId, makes this fail until a privacy part (src/core/privacy/parts.ts)
// registered for it covers it. That is the point: nothing about a person is forgotten.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataModelOf, memberModels, uncoveredModels, type DataModel } from '../../src/core/privacy/completeness.ts';
import { PrivacyRegistry } from '../../src/core/privacy/parts.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';

describe('privacy completeness', () => {
  let env: TestBot;
  let models: DataModel;
  beforeAll(async () => {
    env = await createTestBot();
    // What Prisma itself knows of the schema (the DMMF's models, as the generated client carries them).
    models = dataModelOf(env.db.prisma);
  }, 120_000);
  afterAll(() => env?.close());

  it('finds the models that hold member data', () => {
    const found = memberModels(models);
    for (const model of ['Member', 'PlatformIdentity', 'AccountLinkCode', 'LinkRequest', 'Update', 'ThreadMessage', 'OutboxMessage', 'AuditLog']) {
      expect(found.has(model), model).toBe(true);
    }
    expect(found.has('GuidePassage')).toBe(false);
    expect(found.get('AuditLog')).toEqual(['actorId']);
  });

  it('has a registered part for every one of them (export and deletion)', () => {
    expect(uncoveredModels(models, env.services.privacy.registry)).toEqual({});
  });

  it('would fail for a model that no part covers', () => {
    const partial = new PrivacyRegistry();
    for (const part of env.services.privacy.registry.all().filter((part) => part.area !== 'updates')) partial.register(part);
    expect(uncoveredModels(models, partial)).toEqual({ Update: ['authorId', 'withdrawnById', 'author'] });
  });

  it('names only models that exist', () => {
    for (const model of env.services.privacy.registry.covered()) expect(Object.keys(models), model).toContain(model);
  });
});
