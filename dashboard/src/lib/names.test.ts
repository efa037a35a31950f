import { describe, expect, it } from 'vitest';
import { placeName } from './names.ts';

describe('placeName', () => {
  const region = { nameEn: 'Almaty (city)', nameRu: 'Алматы', nameKk: 'Алматы қаласы' };
  const school = { nameRu: 'Школа № 1', nameKk: '№ 1 мектеп' };
  it('says a place in the page language', () => {
    expect(placeName(region, 'kk')).toBe('Алматы қаласы');
    expect(placeName(region, 'ru')).toBe('Алматы');
    expect(placeName(region, 'en')).toBe('Almaty (city)');
    expect(placeName(region, 'en-US')).toBe('Almaty (city)');
  });
  it('says a school with no English name in Russian on an English page', () => {
    expect(placeName(school, 'en')).toBe('Школа № 1');
    expect(placeName(school, 'kk')).toBe('№ 1 мектеп');
  });
});
