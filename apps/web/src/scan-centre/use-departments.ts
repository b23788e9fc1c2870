import { useEffect, useState } from 'react';
import { Department, listDepartments } from './batch-api';

let cached: Promise<Department[]> | null = null;

/** The departments (GET /api/v1/departments), loaded once per page load; null while loading. */
export function useDepartments(): { departments: Department[] | null; error: unknown } {
  const [departments, setDepartments] = useState<Department[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let active = true;
    cached ??= listDepartments().catch((e) => {
      cached = null;
      throw e;
    });
    cached.then(
      (d) => active && setDepartments(d),
      (e) => active && setError(e),
    );
    return () => {
      active = false;
    };
  }, []);
  return { departments, error };
}

export const departmentName = (departments: Department[] | null, code: string) => departments?.find((d) => d.code === code)?.name ?? '';
