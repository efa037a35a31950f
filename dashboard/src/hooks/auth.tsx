import type { User } from '@kuzet/protocol';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, setUnauthorizedHandler } from '../api/client.ts';

interface Auth {
  /** undefined while the session is being checked, null when logged out */
  user: User | null | undefined;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<Auth | undefined>(undefined);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    setUnauthorizedHandler(() => setUser(null));
    api.session().then(
      (s) => setUser(s.user),
      () => setUser(null),
    );
  }, []);
  const login = useCallback(async (username: string, password: string) => {
    setUser(await api.login(username, password));
  }, []);
  const logout = useCallback(async () => {
    await api.logout().catch(() => undefined);
    setUser(null);
  }, []);
  const value = useMemo(() => ({ user, login, logout }), [user, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}

/** The logged-in user (only rendered inside the authenticated part of the app). */
export function useUser(): User {
  const u = useAuth().user;
  if (!u) throw new Error('no user');
  return u;
}
