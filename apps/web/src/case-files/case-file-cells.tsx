import { Link } from 'react-router';
import { formatReference } from '../common/format';
import type { CaseFile, FilePlanUnit } from './api';

/** The cells that name a case file in a table row: its Aktenzeichen (the row header, a link), title, department and file-plan unit. */
export function CaseFileCells({ caseFile, units }: { caseFile: CaseFile; units: FilePlanUnit[] }) {
  const unitTitle = units.find((u) => u.code === caseFile.filePlanCode)?.title;
  return (
    <>
      <th scope="row" className="kern-table__cell">
        <Link className="kern-link" to={`/akten/${caseFile.id}`}>
          {formatReference(caseFile.reference)}
        </Link>
      </th>
      <td className="kern-table__cell">{caseFile.title}</td>
      <td className="kern-table__cell">{caseFile.departmentCode}</td>
      <td className="kern-table__cell">
        {caseFile.filePlanCode}
        {unitTitle && <> {unitTitle}</>}
      </td>
    </>
  );
}
