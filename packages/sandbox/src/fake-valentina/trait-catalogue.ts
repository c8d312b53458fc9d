/** A V5 trait catalogue (attributes, skills, a few disciplines and advantages) with fixed ids. */
import type { CharacterClass, SeedTrait } from './model.js';

const CATEGORIES = {
  physical: { id: '0197d0f0-0c1a-7000-8000-000000000001', name: 'Physical', section: 'attributes' },
  social: { id: '0197d0f0-0c1a-7000-8000-000000000002', name: 'Social', section: 'attributes' },
  mental: { id: '0197d0f0-0c1a-7000-8000-000000000003', name: 'Mental', section: 'attributes' },
  physicalSkills: { id: '0197d0f0-0c1a-7000-8000-000000000004', name: 'Physical Skills', section: 'skills' },
  socialSkills: { id: '0197d0f0-0c1a-7000-8000-000000000005', name: 'Social Skills', section: 'skills' },
  mentalSkills: { id: '0197d0f0-0c1a-7000-8000-000000000006', name: 'Mental Skills', section: 'skills' },
  disciplines: { id: '0197d0f0-0c1a-7000-8000-000000000007', name: 'Disciplines', section: 'disciplines' },
  advantages: { id: '0197d0f0-0c1a-7000-8000-000000000008', name: 'Advantages', section: 'other' },
} as const;

const SECTIONS = {
  attributes: { id: '0197d0e0-5ec7-7000-8000-000000000001', name: 'Attributes' },
  skills: { id: '0197d0e0-5ec7-7000-8000-000000000002', name: 'Skills' },
  disciplines: { id: '0197d0e0-5ec7-7000-8000-000000000003', name: 'Disciplines' },
  other: { id: '0197d0e0-5ec7-7000-8000-000000000004', name: 'Other' },
} as const;

type CategoryKey = keyof typeof CATEGORIES;

/** [key, display name, category, rollable, min, max]; order = sheet order. Ids follow the index. */
const ENTRIES = [
  ['dexterity', 'Dexterity', 'physical', true, 1, 5],
  ['firearms', 'Firearms', 'physicalSkills', true, 0, 5],
  ['strength', 'Strength', 'physical', true, 1, 5],
  ['stamina', 'Stamina', 'physical', true, 1, 5],
  ['charisma', 'Charisma', 'social', true, 1, 5],
  ['manipulation', 'Manipulation', 'social', true, 1, 5],
  ['composure', 'Composure', 'social', true, 1, 5],
  ['intelligence', 'Intelligence', 'mental', true, 1, 5],
  ['wits', 'Wits', 'mental', true, 1, 5],
  ['resolve', 'Resolve', 'mental', true, 1, 5],
  ['athletics', 'Athletics', 'physicalSkills', true, 0, 5],
  ['brawl', 'Brawl', 'physicalSkills', true, 0, 5],
  ['craft', 'Craft', 'physicalSkills', true, 0, 5],
  ['drive', 'Drive', 'physicalSkills', true, 0, 5],
  ['larceny', 'Larceny', 'physicalSkills', true, 0, 5],
  ['melee', 'Melee', 'physicalSkills', true, 0, 5],
  ['stealth', 'Stealth', 'physicalSkills', true, 0, 5],
  ['survival', 'Survival', 'physicalSkills', true, 0, 5],
  ['animalKen', 'Animal Ken', 'socialSkills', true, 0, 5],
  ['etiquette', 'Etiquette', 'socialSkills', true, 0, 5],
  ['insight', 'Insight', 'socialSkills', true, 0, 5],
  ['intimidation', 'Intimidation', 'socialSkills', true, 0, 5],
  ['leadership', 'Leadership', 'socialSkills', true, 0, 5],
  ['performance', 'Performance', 'socialSkills', true, 0, 5],
  ['persuasion', 'Persuasion', 'socialSkills', true, 0, 5],
  ['streetwise', 'Streetwise', 'socialSkills', true, 0, 5],
  ['subterfuge', 'Subterfuge', 'socialSkills', true, 0, 5],
  ['academics', 'Academics', 'mentalSkills', true, 0, 5],
  ['awareness', 'Awareness', 'mentalSkills', true, 0, 5],
  ['finance', 'Finance', 'mentalSkills', true, 0, 5],
  ['investigation', 'Investigation', 'mentalSkills', true, 0, 5],
  ['medicine', 'Medicine', 'mentalSkills', true, 0, 5],
  ['occult', 'Occult', 'mentalSkills', true, 0, 5],
  ['politics', 'Politics', 'mentalSkills', true, 0, 5],
  ['science', 'Science', 'mentalSkills', true, 0, 5],
  ['technology', 'Technology', 'mentalSkills', true, 0, 5],
  ['auspex', 'Auspex', 'disciplines', true, 0, 5],
  ['celerity', 'Celerity', 'disciplines', true, 0, 5],
  ['dominate', 'Dominate', 'disciplines', true, 0, 5],
  ['potence', 'Potence', 'disciplines', true, 0, 5],
  ['presence', 'Presence', 'disciplines', true, 0, 5],
  ['willpower', 'Willpower', 'advantages', true, 1, 10],
  ['humanity', 'Humanity', 'advantages', false, 0, 10],
  ['bloodPotency', 'Blood Potency', 'advantages', false, 0, 10],
] as const satisfies ReadonlyArray<readonly [string, string, CategoryKey, boolean, number, number]>;

export type TraitKey = (typeof ENTRIES)[number][0];

function traitId(index: number): string {
  return `0197d100-1a2b-7c3d-8e4f-5a6b7c8d9e${(index + 1).toString(16).padStart(2, '0')}`;
}

const ALL_CLASSES: CharacterClass[] = ['VAMPIRE', 'WEREWOLF', 'MAGE', 'HUNTER', 'GHOUL', 'MORTAL'];

/** Trait id by key, e.g. `TRAIT_IDS.dexterity`. */
export const TRAIT_IDS = Object.fromEntries(ENTRIES.map(([key], i) => [key, traitId(i)])) as Record<TraitKey, string>;

export const CATEGORY_IDS = Object.fromEntries(
  Object.entries(CATEGORIES).map(([key, c]) => [key, c.id]),
) as Record<CategoryKey, string>;

export const TRAIT_CATALOGUE: SeedTrait[] = ENTRIES.map(([, name, categoryKey, rollable, min, max], i) => {
  const category = CATEGORIES[categoryKey];
  const section = SECTIONS[category.section];
  return {
    id: traitId(i),
    name,
    category_id: category.id,
    category_name: category.name,
    sheet_section_id: section.id,
    sheet_section_name: section.name,
    is_rollable: rollable,
    min_value: min,
    max_value: max,
    character_classes: categoryKey === 'disciplines' ? ['VAMPIRE', 'GHOUL'] : ALL_CLASSES,
    game_versions: ['V5'],
    sheet_order: i,
    date_created: '2026-04-01T00:00:00Z',
    date_modified: '2026-04-01T00:00:00Z',
  };
});
