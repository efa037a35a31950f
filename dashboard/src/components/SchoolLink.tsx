import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { placeName } from '../lib/names.ts';

/** A school in an admin list: its name linked to its page, its id after it (the id alone when it has no record). */
export function SchoolLink({ id, school }: { id: string; school?: { nameKk: string; nameRu: string } }) {
  const { i18n } = useTranslation();
  return (
    <>
      <Link to={`/schools/${id}`}>{school ? placeName(school, i18n.language) : id}</Link>
      {school && <span className="muted small"> {id}</span>}
    </>
  );
}
