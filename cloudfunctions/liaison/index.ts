/**
 * The `liaison` cloud function (issue #7): party member central households (党员中心户) and
 * their linked resident households, liaison cards (连心卡), residents binding their WeChat,
 * residents' requests (民情) with the `escalate` timer, service records (办实事 / 走访), the
 * dashboard, Excel import / export and printable card sheets. Permissions are decided by
 * common/policy.ts alone (docs/permissions.md); the contract is typings/liaison.ts; what is
 * stored about residents and who sees it is docs/privacy.md.
 */
import { defineFunction } from '../common';
import {
  designateHousehold,
  listHouseholds,
  myHouseholds,
  stepDown,
  updateHousehold,
} from './households';
import {
  addResident,
  listResidents,
  removeResident,
  revealPhone,
  updateResident,
} from './residents';
import { bindResident, eraseMyData, myData, myLiaison, unbind } from './binding';
import { getRequest, listRequests, rateRequest, submitRequest, updateRequest } from './requests';
import { escalate } from './escalate';
import { listServiceRecords, logService } from './records';
import { dashboard, updateSettings } from './dashboard';
import { cardImage, exportCards } from './cards';
import { exportResidents, importResidents, importTemplate } from './io';
import { FIELD_LABELS } from './labels';

export const main = defineFunction({
  name: 'liaison',
  actions: {
    designateHousehold,
    updateHousehold,
    stepDown,
    listHouseholds,
    myHouseholds,
    addResident,
    updateResident,
    removeResident,
    listResidents,
    revealPhone,
    cardImage,
    exportCards,
    importTemplate,
    importResidents,
    exportResidents,
    bindResident,
    unbind,
    myLiaison,
    myData,
    eraseMyData,
    submitRequest,
    listRequests,
    getRequest,
    updateRequest,
    rateRequest,
    logService,
    listServiceRecords,
    dashboard,
    updateSettings,
  },
  timers: { escalate },
  fieldLabels: FIELD_LABELS,
});
